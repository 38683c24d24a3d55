/**
 * `lightning/uiRecordApi` in the preview: `getRecord` reads from the preview's org (preview/server/records.ts) in
 * the UI API's record shape, `getFieldValue` reads it, and `notifyRecordUpdateAvailable` makes every wired record with
 * those ids read again, as Lightning Data Service does after a component changed them.
 */
const live = new Set();

function fieldName(field) {
  return typeof field === 'string' ? field : `${field.objectApiName}.${field.fieldApiName}`;
}

/** An error in the shape Lightning Data Service rejects with. */
function failure(status, message) {
  return { status, ok: false, body: { message } };
}

async function readRecord(recordId, fields) {
  const query = encodeURIComponent(fields.map(fieldName).join(','));
  const response = await fetch(`/preview/data/records/${encodeURIComponent(recordId)}?fields=${query}`);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw failure(response.status, (body && body.message) || `HTTP ${response.status}`);
  }
  return body;
}

/** The wire adapter: `@wire(getRecord, { recordId: '$recordId', fields: [...] })`. */
export class getRecord {
  constructor(emit) {
    this.emit = emit;
    this.config = undefined;
    this.connected = false;
  }

  async load() {
    const config = this.config;
    if (!this.connected || !config || !config.recordId) return;
    const fields = [...(config.fields || []), ...(config.optionalFields || [])];
    try {
      this.emit({ data: await readRecord(config.recordId, fields), error: undefined });
    } catch (error) {
      this.emit({ data: undefined, error });
    }
  }

  connect() {
    this.connected = true;
    live.add(this);
    this.load();
  }

  update(config) {
    this.config = config;
    this.load();
  }

  disconnect() {
    this.connected = false;
    live.delete(this);
  }
}

/** A field's value from a record `getRecord` provided: `getFieldValue(record, 'Account.Owner.Name')`. */
export function getFieldValue(record, field) {
  const path = fieldName(field).split('.').slice(1);
  let node = record;
  for (const [index, name] of path.entries()) {
    const entry = node && node.fields && node.fields[name];
    if (!entry) return undefined;
    if (index === path.length - 1) return entry.value;
    node = entry.value;
  }
  return undefined;
}

/** Tells the wired records with these ids that they changed; they are read again. */
export async function notifyRecordUpdateAvailable(items) {
  const ids = new Set((items || []).map((item) => item.recordId));
  await Promise.all(
    [...live].filter((adapter) => adapter.config && ids.has(adapter.config.recordId)).map((adapter) => adapter.load()),
  );
}
