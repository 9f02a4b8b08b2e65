// GraphiQL in a real browser with no internet: headless Chromium (test/support/browser.ts) opens
// /graphql on a development server, gets every asset (Monaco's workers included) from the server
// itself, runs a query with the token typed into the Headers tab, starts a crisisAlerts
// subscription with the same headers, and shows a crisis raised through HTTP as it happens. A
// bad token gives a readable error. The screenshot of the alert is written to
// test-results/graphiql-crisis-alert.png.
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData } from '../support/app.js';
import { launchChromium, type Browser, type Page } from '../support/browser.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let server: Instance;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  cluster = await startCluster('graphiql_browser', { instances: 1, env: { NODE_ENV: 'development' } });
  server = cluster.instances[0]!;
  browser = await launchChromium();
  page = await browser.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
});

// The response as shown, without white space: Monaco renders spaces as no-break spaces and wraps
// long lines (a global id can be cut in two).
const responseText = `(document.querySelector('.graphiql-response')?.innerText ?? '').replace(/\\s+/g, '')`;

/** Clicks the first element of `selector` whose text is `text`. */
async function clickText(selector: string, text: string): Promise<void> {
  await page.waitFor(
    `[...document.querySelectorAll(${JSON.stringify(selector)})].some((e) => e.textContent.trim() === ${JSON.stringify(text)})`,
    `${selector} "${text}"`,
  );
  await page.evaluate(`(() => {
    document.querySelectorAll('[data-test-target]').forEach((e) => e.removeAttribute('data-test-target'));
    [...document.querySelectorAll(${JSON.stringify(selector)})].find((e) => e.textContent.trim() === ${JSON.stringify(text)}).setAttribute('data-test-target', '');
  })()`);
  await page.click('[data-test-target]');
}

/** Replaces the Headers tab's content, typed as a user would. */
async function typeHeaders(headers: Record<string, string>): Promise<void> {
  await clickText('.graphiql-editor-tools button', 'Headers');
  await page.waitFor(`document.querySelectorAll('.graphiql-editor-tool .graphiql-editor:not(.hidden)').length === 1`, 'the headers editor');
  await page.click('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');
  const editor = `document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .view-lines').innerText.trim()`;
  await page.press('a', 'KeyA', 65, { modifiers: 2, commands: ['selectAll'] }); // Ctrl+A
  await page.press('Delete', 'Delete', 46);
  await page.waitFor(`${editor} === ''`, 'the headers editor to be empty');
  await page.insertText(JSON.stringify(headers));
  await page.waitFor(`${editor}.replace(/\\s+/g, '') === ${JSON.stringify(JSON.stringify(headers).replace(/\s+/g, ''))}`, 'the headers typed');
}

/** The execute button, then the named operation in its menu (the page holds two). */
async function run(operationName: string): Promise<void> {
  await page.click('.graphiql-execute-button');
  await clickText('.graphiql-dropdown-item', operationName);
}

describe('GraphiQL offline', () => {
  it('runs a query and a live subscription with the token from the Headers tab', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id, { givenName: 'Ada', familyName: 'Okafor' });
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
    const token = await cluster.tokenFor(manager.id);

    // "localhost", not 127.0.0.1: every other host name fails to resolve in this browser.
    await page.goto(server.url.replace('127.0.0.1', 'localhost'));
    await page.waitFor(`!!document.querySelector('.graphiql-execute-button')`, 'GraphiQL to render');

    await typeHeaders({ Authorization: `Bearer ${token}` });
    await run('Me');
    const answered = await page.waitFor<string>(`${responseText}.includes('AdaOkafor') && ${responseText}`, 'the Me query result');
    expect(answered).toContain('"roles"');
    expect(answered).not.toContain('"errors"');

    await run('CrisisAlerts');
    // Subscribed: the socket authenticated with the Headers tab and the stream is live.
    await waitFor(() => server.liveOn(`crisis-org:${org.id}`) >= 1, { what: 'the page subscription to go live', timeoutMs: 30_000 });
    const raised = expectData(
      await server.gql(
        `mutation ($input: RaiseCrisisInput!) { raiseCrisis(input: $input) { ... on CrisisEvent { id } } }`,
        { input: { clientId: globalId('Client', client.id), caseId: globalId('Case', kase.id), category: 'MEDICAL_EMERGENCY', severity: 'CRITICAL', description: 'Collapsed at the day centre' } },
        token,
      ),
    );
    const alert = await page.waitFor<string>(`${responseText}.includes('CRISIS_RAISED') && ${responseText}`, 'the crisis alert on the page');
    expect(alert).toContain(raised.raiseCrisis.id);
    expect(alert).toContain('CRITICAL');
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/graphiql-crisis-alert.png', await page.screenshot());

    // Stop it (the execute button doubles as stop while a subscription runs).
    await page.click('.graphiql-execute-button');
    await waitFor(() => server.liveOn(`crisis-org:${org.id}`) === 0, { what: 'the subscription to end', timeoutMs: 30_000 });
  }, 120_000);

  it('explains a refused subscription instead of printing a browser event', async () => {
    await typeHeaders({ Authorization: 'Bearer not-a-token' });
    await run('CrisisAlerts');
    const shown = await page.waitFor<string>(`${responseText}.includes('4401') && ${responseText}`, 'the refusal on the page');
    expect(shown).toContain('UNAUTHENTICATED');
    expect(shown).toContain('Theaccesstokenisnotvalid'); // the server's close reason (spaces removed)
    expect(shown).toContain('intheHeaderstab');
    expect(shown).not.toContain('isTrusted');
  }, 120_000);

  it('loaded everything, Monaco workers included, from the server itself', () => {
    const origin = new URL(server.url.replace('127.0.0.1', 'localhost')).origin;
    const network = page.requests.filter((r) => !r.url.startsWith('data:') && !r.url.startsWith('blob:'));
    expect(network.filter((r) => !r.url.startsWith(`${origin}/`) && !r.url.startsWith(origin.replace('http', 'ws')))).toEqual([]);
    for (const asset of ['graphiql.css', 'yoga-graphiql.js', 'graphql-ws.js', 'editor.worker.js', 'graphql.worker.js', 'json.worker.js']) {
      // Monaco may ask for a worker twice: one answered load is what counts.
      expect(network.filter((r) => r.url === `${origin}/graphiql/${asset}`).map((r) => r.status), asset).toContain(200);
    }
    expect(network.filter((r) => r.failed)).toEqual([]);
    expect(page.consoleErrors).toEqual([]);
  });
});
