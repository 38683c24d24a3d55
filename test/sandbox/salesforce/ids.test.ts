import { IdFactory, idSuffix, normaliseId } from '../../../sandbox/salesforce/ids.js';

describe('Salesforce ids', () => {
  test('the 18-character suffix encodes the case of the 15-character id', () => {
    expect(idSuffix('001A0000006Vm9r')).toBe('IAC');
    expect(normaliseId('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
  });

  test('an 18-character id keeps its identity when a tool changes its case', () => {
    expect(normaliseId('001a0000006vm9riac')).toBe('001A0000006Vm9rIAC');
    expect(normaliseId('001A0000006VM9RIAC')).toBe('001A0000006Vm9rIAC');
    expect(normaliseId('001A0000006Vm9rAAA')).not.toBe('001A0000006Vm9rIAC');
    expect(normaliseId("001' OR 1=1")).toBeUndefined();
  });

  test('new ids carry the key prefix and count up per prefix', () => {
    const ids = new IdFactory();
    const first = ids.next('001');
    const second = ids.next('001');
    const contact = ids.next('003');

    expect(first).toMatch(/^001[A-Za-z0-9]{12}[A-Z0-5]{3}$/);
    expect(second > first).toBe(true);
    expect(contact.slice(0, 3)).toBe('003');
    expect(normaliseId(second.slice(0, 15))).toBe(second);
  });
});
