import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** No Docker engine runs here: these checks read the files the way Compose and the builder would. */
describe('docker-compose.yml', () => {
  const services = compose.services;

  const byDefault = Object.keys(services).filter((name) => !services[name].profiles);

  it('has the production layout: postgres, redis, one-shot migrate, api, two workers', () => {
    expect(byDefault.sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);
    expect(Number(services.postgres.image.split(':')[1])).toBeGreaterThanOrEqual(16);
    expect(services.redis.image).toBe('redis:7');
    expect(services.worker.deploy.replicas).toBe(2);
    expect(services.migrate.restart).toBe('no');
  });

  it('tunes Redis for BullMQ: hz 100, noeviction, append-only file', () => {
    const command = services.redis.command.join(' ');
    expect(command).toContain('--hz 100');
    expect(command).toContain('--maxmemory-policy noeviction');
    expect(command).toContain('--appendonly yes');
  });

  it('gives every long-running service a healthcheck and orders start-up on them', () => {
    for (const name of ['postgres', 'redis', 'api', 'worker']) expect(services[name].healthcheck.test.length).toBeGreaterThan(1);
    expect(services.migrate.depends_on.postgres.condition).toBe('service_healthy');
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(services[name].depends_on.redis.condition).toBe('service_healthy');
    }
  });

  it('has an optional "cluster" profile: six cluster nodes joined by a one-shot init that api and worker wait for', () => {
    const cluster = Object.keys(services).filter((name) => services[name].profiles?.includes('cluster'));
    expect(cluster.sort()).toEqual(['redis-cluster-init', ...[1, 2, 3, 4, 5, 6].map((n) => `redis-node-${n}`)]);
    for (let n = 1; n <= 6; n++) {
      const command = services[`redis-node-${n}`].command.join(' ');
      expect(command).toContain('--cluster-enabled yes');
      expect(command).toContain('--maxmemory-policy noeviction');
      expect(services['redis-cluster-init'].depends_on[`redis-node-${n}`].condition).toBe('service_healthy');
    }
    expect(services['redis-cluster-init'].command.join(' ')).toMatch(/--cluster create .* --cluster-replicas 1 --cluster-yes/);
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on['redis-cluster-init']).toEqual({ condition: 'service_completed_successfully', required: false });
      expect(services[name].environment.REDIS_CLUSTER_NODES).toBe('${REDIS_CLUSTER_NODES:-}');
    }
  });

  it('lets workers scale: no fixed container name or host port on the worker', () => {
    expect(services.worker.container_name).toBeUndefined();
    expect(services.worker.ports).toBeUndefined();
  });

  it('runs entry points that the build produces, with the configuration they validate', () => {
    for (const name of ['migrate', 'api', 'worker']) {
      const entry = services[name].command[1];
      expect(entry).toMatch(/^dist\/.*\.js$/);
      expect(existsSync(join(ROOT, entry.replace(/\.js$/, '.ts').replace(/^dist\//, '')))).toBe(true);
      const env = services[name].environment;
      expect(env.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\/jim$/);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.NODE_ENV).toBe('production');
      expect(env.JIM_ENCRYPTION_KEY).toContain('JIM_ENCRYPTION_KEY');
    }
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split('\n').filter((l) => /^FROM /.test(l));

  it('is multi-stage and ships production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/COPY --from=deps \/app\/node_modules/);
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist/);
  });

  it('runs as a non-root user on the Node version the project supports', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(stages.filter((s) => !s.includes('node:20'))).toEqual([]);
  });
});
