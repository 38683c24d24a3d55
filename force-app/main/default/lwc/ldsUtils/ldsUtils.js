/**
 * Reduces one or more errors of any shape Salesforce produces (Apex AuraHandledException, UI API, JS errors,
 * page-level and field-level DML errors) to a flat list of readable messages.
 * @param {Error|Error[]|Object|Object[]} errors
 * @returns {String[]} messages
 */
export function reduceErrors(errors) {
  const list = Array.isArray(errors) ? errors : [errors];
  return list
    .filter((error) => !!error)
    .map((error) => messagesOf(error))
    .reduce((all, messages) => all.concat(messages), [])
    .filter((message) => !!message);
}

function messagesOf(error) {
  if (typeof error === 'string') {
    return [error];
  }
  const body = error.body;
  if (Array.isArray(body)) {
    return body.map((entry) => entry.message);
  }
  if (body && body.pageErrors && body.pageErrors.length > 0) {
    return body.pageErrors.map((entry) => entry.message);
  }
  if (body && body.fieldErrors && Object.keys(body.fieldErrors).length > 0) {
    return Object.values(body.fieldErrors)
      .reduce((all, entries) => all.concat(entries), [])
      .map((entry) => entry.message);
  }
  if (body && body.output && body.output.errors && body.output.errors.length > 0) {
    return body.output.errors.map((entry) => entry.message);
  }
  if (body && typeof body.message === 'string') {
    return [body.message];
  }
  if (typeof error.message === 'string') {
    return [error.message];
  }
  return [error.statusText || 'Unknown error'];
}
