import { createElement } from 'lwc';
import ErrorPanel from 'c/errorPanel';

function mount(props) {
  const element = createElement('c-error-panel', { is: ErrorPanel });
  Object.assign(element, props);
  document.body.appendChild(element);
  return element;
}

describe('c-error-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
  });

  it('shows the friendly message and hides details until asked', async () => {
    const element = mount({
      friendlyMessage: 'Could not load Sage 300 data',
      errors: { body: { message: 'The Sage 300 connector could not be reached' } },
    });
    await Promise.resolve();
    expect(element.shadowRoot.querySelector('.friendly-message').textContent).toBe('Could not load Sage 300 data');
    expect(element.shadowRoot.querySelector('.details')).toBeNull();

    const toggle = element.shadowRoot.querySelector('button.toggle');
    expect(toggle.textContent.trim()).toBe('Show details');
    toggle.click();
    await Promise.resolve();
    const items = element.shadowRoot.querySelectorAll('.details li');
    expect(Array.from(items).map((li) => li.textContent)).toEqual(['The Sage 300 connector could not be reached']);
    expect(toggle.textContent.trim()).toBe('Hide details');
  });

  it('lists every message of an array of UI API errors', async () => {
    const element = mount({ errors: [{ body: [{ message: 'first' }, { message: 'second' }] }, new Error('third')] });
    await Promise.resolve();
    element.shadowRoot.querySelector('button.toggle').click();
    await Promise.resolve();
    const items = element.shadowRoot.querySelectorAll('.details li');
    expect(Array.from(items).map((li) => li.textContent)).toEqual(['first', 'second', 'third']);
  });

  it('offers no details button when there is nothing to show', async () => {
    const element = mount({ errors: undefined });
    await Promise.resolve();
    expect(element.shadowRoot.querySelector('.friendly-message').textContent).toBe('Something went wrong');
    expect(element.shadowRoot.querySelector('button.toggle')).toBeNull();
  });
});
