import { DataSource, type DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { usePreparedStatements } from './prepared';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /** Named prepared statements for the hot statements (default true; see `prepared`). */
  preparedStatements?: boolean;
}

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  usePreparedStatements(options.preparedStatements ?? true);
  return {
    type: 'postgres',
    url: options.url,
    schema: 'public',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'jim-schedules',
      connectionTimeoutMillis: 5000,
      // A dead database must surface as an error quickly, not as a hung request.
      query_timeout: 30000,
    },
  };
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
