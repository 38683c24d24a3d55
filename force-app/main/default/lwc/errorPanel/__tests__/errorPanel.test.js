import { createElement } from 'lwc';
import ErrorPanel from 'c/errorPanel';

function mount(props) {
  const element = createElement('c-error-panel', { is: ErrorPanel });
  Object.assign(element, props);
  document.body.appendChild(element);
  return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

describe('c-error-panel', () => {
  afterEach(() => {
    while (document.body.firstChild) {
      document.body.removeChild(document.body.firstChild);
    }
  });

  it('shows what went wrong and the reason inline, with nothing folded away for one message', async () => {
    const element = mount({
      friendlyMessage: 'Could not load Sage 300 data',
      errors: { body: { message: 'Sage 300 has no customer 1200.' } },
    });
    await Promise.resolve();
    expect($(element, '.friendly-message').textContent).toBe('Could not load Sage 300 data');
    expect($(element, '.first-message').textContent).toBe('Sage 300 has no customer 1200.');
    expect($(element, 'button.toggle')).toBeNull();
    expect($(element, '[role="alert"]')).not.toBeNull();
  });

  it('shows the first of several messages inline and lists them all on request', async () => {
    const element = mount({ errors: [{ body: [{ message: 'first' }, { message: 'second' }] }, new Error('third')] });
    await Promise.resolve();
    expect($(element, '.first-message').textContent).toBe('first');
    expect($(element, '.details')).toBeNull();
    const toggle = $(element, 'button.toggle');
    expect(toggle.textContent.trim()).toBe('Show all 3 messages');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await Promise.resolve();
    const items = element.shadowRoot.querySelectorAll('.details li');
    expect(Array.from(items).map((li) => li.textContent)).toEqual(['first', 'second', 'third']);
    expect(toggle.textContent.trim()).toBe('Hide all messages');
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    toggle.click();
    await Promise.resolve();
    expect($(element, '.details')).toBeNull();
  });

  it('shows only the title when there is no message to show', async () => {
    const element = mount({ errors: undefined });
    await Promise.resolve();
    expect($(element, '.friendly-message').textContent).toBe('Something went wrong');
    expect($(element, '.first-message')).toBeNull();
    expect($(element, 'button.toggle')).toBeNull();
  });

  it('is accessible, folded and unfolded', async () => {
    const element = mount({ friendlyMessage: 'Push failed', errors: [new Error('one'), new Error('two')] });
    await Promise.resolve();
    await expect(element).toBeAccessible();
    $(element, 'button.toggle').click();
    await Promise.resolve();
    await expect(element).toBeAccessible();
  });
});
