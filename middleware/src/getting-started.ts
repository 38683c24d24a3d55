/**
 * What `npm start` tells someone who has just cloned the repository: where the product is, the key to call it with,
 * and three things to try. Printed in embedded mode only, where the key is generated and the data is the sandboxes'.
 */

export interface GettingStarted {
  /** The middleware's base URL. */
  url: string;
  /** The development key generated for this run. */
  apiKey: string;
  /** The preview's URL, when it is served. */
  previewUrl?: string;
  /** The local sink that lists the notices (webhook, e-mail) that would have been sent, when no channel is configured. */
  noticeSink?: string;
}

/** The "try it" lines, ready to print. */
export function gettingStartedLines(start: GettingStarted): string[] {
  const lines = ['', 'Try it:'];
  let step = 1;
  if (start.previewUrl) {
    lines.push(
      `  ${step++}. Open ${start.previewUrl} in a browser: the Salesforce components on a sandbox Account page, live`,
      '     Sage 300 figures, and an Opportunity to push to Sage 300 (after a change, the first start compiles it: ~30 s).',
    );
  }
  lines.push(
    `  ${step++}. Ask for a customer's Sage 300 figures as Salesforce does:`,
    `     curl -H "Authorization: Bearer ${start.apiKey}" ${start.url}/api/v1/customers/1200/financials`,
    `  ${step++}. In a second terminal, see the sync runs and failed records: npm run sage-sf -- status`,
  );
  if (start.noticeSink) {
    lines.push(
      `  ${step++}. See the notices (overdue invoices, sync health) that would go to Slack or e-mail: curl ${start.noticeSink}`,
    );
  }
  lines.push('', 'Stop with Ctrl+C. Configuration: .env.example lists every setting; README.md says more.');
  return lines;
}
