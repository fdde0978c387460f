import { Controller, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AppConfig } from '@jim/config';
import type { DataSource } from 'typeorm';
import { RequireRole } from '../auth/auth.decorators';

/**
 * The floor the API benchmark compares schedule creation with: the same HTTP stack, body parser and API-key check,
 * then one plain INSERT and no validation. Served only when JIM_BENCH_BASELINE=true.
 */
@ApiExcludeController()
@Controller('api/v1/bench')
@RequireRole('Administrator')
class BenchBaselineController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post('baseline')
  @HttpCode(201)
  async insert(): Promise<{ id: number }> {
    const [row] = await this.db.query(`INSERT INTO connected_systems (name, created) VALUES ('Benchmark baseline', now()) RETURNING id`);
    return { id: row.id };
  }
}

@Module({})
export class BenchBaselineModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: BenchBaselineModule, controllers: config.benchBaseline ? [BenchBaselineController] : [] };
  }
}
