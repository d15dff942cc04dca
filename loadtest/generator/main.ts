import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineFacts } from '../bench/machine.js';
import { ArgsError, parseLoadArgs, usage } from './args.js';
import { plotSeries, renderPlot } from './plot.js';
import { runLoad, type Progress } from './run.js';
import { formatProgress, PUSH_P99_BUDGET_MS, resultJson, summaryMarkdown } from './summary.js';

/**
 * `npm run loadtest -- --scenario <name> …`: runs a load, prints the summary, writes summary.md,
 * result.json and plot.svg, and exits 1 on any error or missed or duplicated event (2 on bad
 * arguments). `npm run loadtest -- tokens …` mints tokens for servers in production mode.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'tokens') return mintTokens(argv.slice(1));
  let options;
  try {
    options = parseLoadArgs(argv);
  } catch (error) {
    if (!(error instanceof ArgsError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  if (!options) {
    console.log(usage);
    return 0;
  }
  const command = `npm run loadtest -- ${argv.join(' ')}`;
  const machine = machineFacts();
  const live = process.stderr.isTTY === true;
  let result;
  try {
    result = await runLoad(options, options.quiet ? {} : { progress: progressPrinter(live) });
  } catch (error) {
    console.error(`loadtest: ${(error as Error).message}`);
    return 1;
  } finally {
    if (live && !options.quiet) process.stderr.write('\n');
  }

  const out = path.resolve(options.out);
  await mkdir(out, { recursive: true });
  const files = ['summary.md', 'result.json', 'plot.svg'].map((name) => path.join(out, name));
  const summary = summaryMarkdown(result, { command, machine, files });
  const title = `${options.scenario}: ${options.clients} clients, ${options.durationS} s, ${options.protocol}`;
  await writeFile(files[0]!, summary);
  await writeFile(files[1]!, JSON.stringify(resultJson(result, { command, machine }), null, 2) + '\n');
  await writeFile(files[2]!, renderPlot(plotSeries(result.timeline, title, options.durationS, PUSH_P99_BUDGET_MS)));
  console.log(summary);
  return result.ok ? 0 : 1;
}

/** On a terminal, one line redrawn in place; in a log, a line every 5 s. */
function progressPrinter(live: boolean): (progress: Progress) => void {
  let printedAt: number | undefined;
  return (progress) => {
    const line = formatProgress(progress);
    if (live) return void process.stderr.write(`\r\x1b[K${line}`);
    if (printedAt !== undefined && progress.elapsedS - printedAt < 5) return;
    printedAt = progress.elapsedS;
    process.stderr.write(`${line}\n`);
  };
}

const tokensUsage = `usage: JWT_SECRET=… npm run loadtest -- tokens --count N [--prefix lt] [--ttl-s 86400] > tokens.json
  Signs N player tokens (players <prefix>-0 … <prefix>-(N-1)) with the server's JWT_SECRET, for
  --tokens (this generator) and TOKENS_FILE (the k6 scripts) against servers in production mode.`;

async function mintTokens(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { count: { type: 'string' }, prefix: { type: 'string', default: 'lt' }, 'ttl-s': { type: 'string', default: '86400' } },
  });
  const count = Number(values.count);
  const ttl = Number(values['ttl-s']);
  const secret = process.env.JWT_SECRET;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(ttl) || ttl < 60 || !secret || !/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/.test(values.prefix)) {
    console.error(tokensUsage);
    return 2;
  }
  // The server's own token code, so that the claims cannot drift from what it verifies.
  const { Auth } = await import('../../server/auth.js');
  const auth = new Auth(secret, 'unused-admin-token');
  const tokens = [];
  for (let i = 0; i < count; i++) {
    const userId = `${values.prefix}-${i}`;
    tokens.push({ userId, token: await auth.issue(userId, ttl) });
  }
  process.stdout.write(JSON.stringify(tokens) + '\n');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
