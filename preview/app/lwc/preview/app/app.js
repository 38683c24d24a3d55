import { LightningElement } from 'lwc';

const TABS = {
  Sage_Sync_Console: { kind: 'console', label: 'Sage 300 Sync Console' },
  Sage_Revenue_Reconciliation: { kind: 'reconciliation', label: 'Sage 300 Revenue Reconciliation' },
};

/**
 * Reads the page from a Lightning-style path: `/preview/r/Account/<id>/view`, `/preview/r/Opportunity/<id>/view`,
 * `/preview/n/<tab>`; anything else is the first linked account.
 */
function routeOf(pathname) {
  const record = /^\/preview\/r\/(Account|Opportunity)\/([A-Za-z0-9]{15,18})\/view\/?$/.exec(pathname);
  if (record) return { kind: record[1] === 'Account' ? 'account' : 'opportunity', recordId: record[2] };
  const tab = /^\/preview\/n\/(\w+)\/?$/.exec(pathname);
  if (tab && TABS[tab[1]]) return { kind: TABS[tab[1]].kind, recordId: null };
  return { kind: 'home', recordId: null };
}

function pathOf(route) {
  if (route.kind === 'account') return `/preview/r/Account/${route.recordId}/view`;
  if (route.kind === 'opportunity') return `/preview/r/Opportunity/${route.recordId}/view`;
  const tab = Object.keys(TABS).find((name) => TABS[name].kind === route.kind);
  return tab ? `/preview/n/${tab}` : '/preview/';
}

/** The preview's Lightning app: navigation, a record picker, and the page the path names. */
export default class App extends LightningElement {
  route = routeOf(window.location.pathname);
  picker;
  pickerError;

  connectedCallback() {
    this.handlePopState = () => {
      this.route = routeOf(window.location.pathname);
    };
    window.addEventListener('popstate', this.handlePopState);
    this.loadPicker();
  }

  disconnectedCallback() {
    window.removeEventListener('popstate', this.handlePopState);
  }

  async loadPicker() {
    try {
      const response = await fetch('/preview/data/picker');
      const body = await response.json();
      if (!response.ok) throw new Error(body.message);
      this.picker = body;
      if (this.route.kind === 'home') {
        const first = body.accounts.find((account) => account.customerNumber) || body.accounts[0];
        if (first) this.go({ kind: 'account', recordId: first.id }, true);
      }
    } catch (error) {
      this.pickerError = `The records could not be listed: ${error.message}`;
    }
  }

  go(route, replace) {
    const path = pathOf(route);
    if (replace) window.history.replaceState({}, '', path);
    else window.history.pushState({}, '', path);
    this.route = route;
  }

  handleNavigate(event) {
    event.preventDefault();
    const { kind } = event.currentTarget.dataset;
    if (kind === 'account' || kind === 'opportunity') {
      const list = kind === 'account' ? this.picker.accounts : this.picker.opportunities;
      const current = this.route.kind === kind ? this.route.recordId : list[0] && list[0].id;
      if (current) this.go({ kind, recordId: current });
    } else {
      this.go({ kind, recordId: null });
    }
  }

  handleRecordChange(event) {
    const id = event.detail.value;
    const kind = this.picker.accounts.some((account) => account.id === id) ? 'account' : 'opportunity';
    this.go({ kind, recordId: id });
  }

  get recordOptions() {
    if (!this.picker) return [];
    return [
      ...this.picker.accounts.map((account) => ({
        label: account.customerNumber
          ? `Account · ${account.label} (${account.customerNumber})`
          : `Account · ${account.label}`,
        value: account.id,
      })),
      ...this.picker.opportunities.map((opportunity) => ({
        label: `Opportunity · ${opportunity.label} (${opportunity.stageName})`,
        value: opportunity.id,
      })),
    ];
  }

  get products() {
    return this.picker ? this.picker.products : [];
  }

  /** One entry keyed by page and record, so switching records creates the page's components afresh. */
  get pages() {
    const route = this.route;
    return [
      {
        key: `${route.kind}:${route.recordId || ''}`,
        isAccount: route.kind === 'account',
        isOpportunity: route.kind === 'opportunity',
        isConsole: route.kind === 'console',
        isReconciliation: route.kind === 'reconciliation',
        recordId: route.recordId,
      },
    ];
  }

  get navItems() {
    const items = [
      { kind: 'account', label: 'Accounts' },
      { kind: 'opportunity', label: 'Opportunities' },
      { kind: 'console', label: 'Sage 300 Sync Console' },
      { kind: 'reconciliation', label: 'Revenue Reconciliation' },
    ];
    return items.map((item) => {
      const active = item.kind === this.route.kind;
      return {
        ...item,
        href: item.kind === 'console' || item.kind === 'reconciliation' ? pathOf({ kind: item.kind }) : '#',
        className: active ? 'slds-context-bar__item slds-is-active' : 'slds-context-bar__item',
        current: active ? 'page' : null,
      };
    });
  }

  get recordId() {
    return this.route.recordId;
  }
}
