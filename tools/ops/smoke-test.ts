/**
 * Checks that an environment serves, after a deploy: GET /health (the
 * frontend through the ALB) and /api/health (the api), on the environment's
 * own domain, until both answer 200 or the time runs out.
 *
 *   npm run smoke -- staging
 *   npm run smoke -- production --timeout 600
 *   npm run smoke -- production-dr --origin     # origin-ap-south-2.<domain>: that region, whatever DNS answers
 *   npm run smoke -- production --print         # the URLs it would check
 *
 * Exits 0 when both answer 200, 1 when either still fails at the deadline,
 * 2 on a usage error.
 */
import { environmentNamed, UnknownEnvironmentError } from '../../environments/index.ts';
import { EXIT_USAGE, startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';
import { originHostName } from '../../modules/edge/regional-origin.ts';

/** The design's two health endpoints. */
export const SMOKE_PATHS = ['/health', '/api/health'] as const;
const USAGE = 'usage: npm run smoke -- <environment> [--origin] [--timeout <seconds>] [--print]\n  --origin  check the region\'s own origin name (origin-<region>.<domain>), not the one DNS may send elsewhere\n  --print   print the URLs and check nothing';

interface SmokeRequest {
  readonly environment: string;
  readonly timeoutSeconds: number;
  readonly origin: boolean;
  readonly print: boolean;
}

function parse(args: readonly string[]): SmokeRequest {
  const positional: string[] = [];
  let timeoutSeconds = 300;
  let origin = false;
  let print = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--timeout') timeoutSeconds = Number(args[++i]);
    else if (arg === '--origin') origin = true;
    else if (arg === '--print') print = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('name one environment');
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 3600) throw new UsageError('--timeout must be a whole number of seconds from 1 to 3600');
  return { environment: positional[0]!, timeoutSeconds, origin, print };
}

async function check(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    return response.status === 200 ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  }
}

async function run(request: SmokeRequest) {
  const config = environmentNamed(request.environment);
  // Only environments in DNS failover have an origin name of their own (RegionalOrigin).
  if (request.origin && !config.disasterRecovery && !config.standbyFor) throw new UsageError(`${config.name} has no origin name: only environments in DNS failover do`);
  const host = request.origin ? originHostName(config.region, config.edge.domainName) : config.edge.domainName;
  const urls = SMOKE_PATHS.map((path) => `https://${host}${path}`);
  if (request.print) {
    console.log(urls.join('\n'));
    return 0;
  }
  const start = Date.now();
  const deadline = start + request.timeoutSeconds * 1000;
  console.log(`Checking ${urls.join(' and ')} every 10 s for up to ${request.timeoutSeconds} s.`);
  for (let attempt = 1; ; attempt++) {
    const results = await Promise.all(urls.map(async (url) => [url, await check(url)] as const));
    const failures = results.filter(([, problem]) => problem !== undefined);
    if (failures.length === 0) {
      console.log(`${config.name} serves: ${urls.join(', ')} answer 200.`);
      return 0;
    }
    const elapsed = Math.round((Date.now() - start) / 1000);
    // Each attempt says what it saw, so a slow rollout never looks like a hung command.
    console.log(`attempt ${attempt} at ${elapsed} s: ${results.map(([url, problem]) => `${new URL(url).pathname} ${problem ?? '200'}`).join(', ')}`);
    if (Date.now() >= deadline) {
      for (const [url, problem] of failures) console.error(`${url}: ${problem}`);
      console.error(`${config.name} did not pass its smoke test within ${request.timeoutSeconds} s.`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, Math.max(0, deadline - Date.now()))));
  }
}

export const cli: CliDefinition<SmokeRequest> = {
  usage: USAGE,
  parse,
  run,
  exitCodeOf: (error) => (error instanceof UnknownEnvironmentError ? EXIT_USAGE : undefined),
};
if (require.main === module) startCli(cli);
