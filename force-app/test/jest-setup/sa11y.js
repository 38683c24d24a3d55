// Adds `toBeAccessible()` (axe-core rules as Salesforce's sa11y configures them) to the LWC tests.
const { registerSa11yMatcher } = require('@sa11y/jest');

registerSa11yMatcher();
