/**
 * `@salesforce/apex/Controller.method` in the preview: each import is a function that calls the preview server's
 * stand-in for the controller (preview/server/apex-adapter.ts), imperatively or as a wire adapter, and fails the way
 * Lightning Data Service does: `{ status, statusText, ok: false, body: { message, exceptionType } }`.
 */
const refreshers = new WeakMap();

function failure(status, message, exceptionType) {
  return {
    status,
    statusText: status >= 500 ? 'Server Error' : 'Bad Request',
    ok: false,
    headers: {},
    body: { message, exceptionType },
  };
}

async function invoke(controller, method, params) {
  let response;
  try {
    response = await fetch(`/preview/apex/${controller}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(params ?? {}),
    });
  } catch (error) {
    throw failure(0, `The preview server could not be reached: ${error.message}`, 'NetworkError');
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    throw failure(
      response.status,
      (answer && answer.message) || `HTTP ${response.status}`,
      answer && answer.exceptionType,
    );
  }
  return answer ? answer.returnValue : undefined;
}

/** Whether a wire configuration is complete: Apex wires wait while a reactive parameter is undefined. */
function complete(config) {
  return !!config && Object.values(config).every((value) => value !== undefined);
}

/** One Apex method, callable as `method(params)` and usable with `@wire(method, params)`. */
export function apexMethod(controller, method) {
  function apex(paramsOrCallback) {
    if (!new.target) {
      return invoke(controller, method, paramsOrCallback);
    }
    // Constructed by the engine as a wire adapter: the argument is the data callback.
    const emit = paramsOrCallback;
    let config;
    let connected = false;
    const load = async () => {
      if (!connected || !complete(config)) return;
      let value;
      try {
        value = { data: await invoke(controller, method, config), error: undefined };
      } catch (error) {
        value = { data: undefined, error };
      }
      refreshers.set(value, load);
      emit(value);
    };
    return {
      connect() {
        connected = true;
        load();
      },
      update(newConfig) {
        config = newConfig;
        load();
      },
      disconnect() {
        connected = false;
      },
    };
  }
  return apex;
}

/** Calls the Apex method behind a wired value again and provisions its new value. */
export function refreshApex(wiredValue) {
  const refresh = wiredValue && refreshers.get(wiredValue);
  return refresh ? refresh() : Promise.resolve();
}
