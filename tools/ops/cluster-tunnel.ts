/**
 * Opens a tunnel from a local port to an environment's private EKS API
 * endpoint, through the SSM agent of one of its app nodes. Nothing listens on
 * the internet: SSM carries the TCP stream, and IAM decides who may open it.
 *
 *   npm run tunnel -- production              # forwards 127.0.0.1:8443 until Ctrl-C
 *   npm run tunnel -- production --port 9443
 *   npm run tunnel -- production --print      # prints the commands it would run
 *
 * Needs the AWS CLI v2 and its session-manager-plugin, and a role allowed to
 * start SSM sessions (the platform-admin and CI apply roles are).
 */
import { spawnSync } from 'node:child_process';
import { environmentNamed, UnknownEnvironmentError } from '../../environments/index.ts';
import { EXIT_USAGE, startCli, UsageError, type CliDefinition } from '../../lib/cli.ts';
import { infrastructureStackName, TUNNEL_PORT_VARIABLE } from '../../environments/stack-names.ts';

const USAGE = 'usage: npm run tunnel -- <environment> [--port <1024-65535>] [--print]';

interface TunnelRequest {
  readonly environment: string;
  readonly port: number;
  readonly print: boolean;
}

function parse(args: readonly string[]): TunnelRequest {
  const positional: string[] = [];
  let port = 8443;
  let print = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--print') print = true;
    else if (arg === '--port') port = Number(args[++i]);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'name one environment' : `one environment at a time, not ${positional.join(' ')}`);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new UsageError('--port must be a whole number from 1024 to 65535');
  return { environment: positional[0]!, port, print };
}

/** The three AWS CLI calls: the endpoint, a running app node, and the port forward. */
function commands(cluster: string, region: string, port: number): { endpoint: string[]; node: string[]; forward: (host: string, instance: string) => string[] } {
  return {
    endpoint: ['aws', 'eks', 'describe-cluster', '--name', cluster, '--region', region, '--query', 'cluster.endpoint', '--output', 'text'],
    node: [
      'aws', 'ec2', 'describe-instances', '--region', region,
      '--filters', `Name=tag:eks:cluster-name,Values=${cluster}`, 'Name=tag:eks:nodegroup-name,Values=app', 'Name=instance-state-name,Values=running',
      '--query', 'Reservations[0].Instances[0].InstanceId', '--output', 'text',
    ],
    forward: (host, instance) => [
      'aws', 'ssm', 'start-session', '--region', region, '--target', instance,
      '--document-name', 'AWS-StartPortForwardingSessionToRemoteHost',
      '--parameters', `host=${host},portNumber=443,localPortNumber=${port}`,
    ],
  };
}

function quote(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function capture(args: readonly string[]): string {
  const result = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.error) throw new Error(`could not run ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${quote(args)} failed (exit ${result.status})`);
  return result.stdout.trim();
}

function run(request: ReturnType<typeof parse>) {
  const config = environmentNamed(request.environment);
  const cluster = infrastructureStackName(config);
  const aws = commands(cluster, config.region, request.port);
  const use = [
    `# In another shell, while the tunnel is open:`,
    `export TF_VAR_${TUNNEL_PORT_VARIABLE}=${request.port}   # plan and apply ${cluster}-k8s through it`,
    `# kubectl: aws eks update-kubeconfig --name ${cluster} --region ${config.region}`,
    `#          kubectl config set-cluster "$(kubectl config current-context)" --server=https://127.0.0.1:${request.port} --tls-server-name=<endpoint host>`,
  ];
  if (request.print) {
    console.log(`ENDPOINT=$(${quote(aws.endpoint)})`);
    console.log(`INSTANCE=$(${quote(aws.node)})`);
    // Double quotes, so the shell expands the two variables.
    console.log(quote(aws.forward('HOST', 'INSTANCE')).replace('INSTANCE', '"$INSTANCE"').replace('host=HOST', '"host=${ENDPOINT#https://}"'));
    console.log(use.join('\n'));
    return;
  }
  const host = capture(aws.endpoint).replace(/^https:\/\//, '');
  const instance = capture(aws.node);
  if (!/^i-[0-9a-f]+$/.test(instance)) throw new Error(`no running app node found in ${cluster} (got "${instance}")`);
  console.error(`Forwarding 127.0.0.1:${request.port} to ${host}:443 through ${instance}.\n${use.join('\n').replace('<endpoint host>', host)}`);
  const session = spawnSync(aws.forward(host, instance)[0]!, aws.forward(host, instance).slice(1), { stdio: 'inherit' });
  return session.status ?? 1;
}

export const cli: CliDefinition<ReturnType<typeof parse>> = {
  usage: USAGE,
  parse,
  run,
  exitCodeOf: (error) => (error instanceof UnknownEnvironmentError ? EXIT_USAGE : undefined),
};
if (require.main === module) startCli(cli);
