import { reduceErrors } from 'c/ldsUtils';

describe('reduceErrors', () => {
  it('reads AuraHandledException, page, field and output errors', () => {
    expect(reduceErrors({ body: { message: 'aura' } })).toEqual(['aura']);
    expect(reduceErrors({ body: { pageErrors: [{ message: 'page' }] } })).toEqual(['page']);
    expect(reduceErrors({ body: { fieldErrors: { Name: [{ message: 'field' }] } } })).toEqual(['field']);
    expect(reduceErrors({ body: { output: { errors: [{ message: 'output' }] } } })).toEqual(['output']);
  });

  it('reads plain errors, strings and status texts, skipping empty entries', () => {
    expect(reduceErrors([new Error('js'), 'text', null, { statusText: 'Bad Gateway' }])).toEqual([
      'js',
      'text',
      'Bad Gateway',
    ]);
  });
});
