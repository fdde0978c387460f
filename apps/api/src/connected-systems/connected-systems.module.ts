import { Module } from '@nestjs/common';
import { CatalogueMirror } from './catalogue-mirror.service';
import { ConnectedSystemsController } from './connected-systems.controller';
import { ConnectedSystemsService } from './connected-systems.service';
import { SynchronisationController } from './synchronisation.controller';

@Module({
  controllers: [ConnectedSystemsController, SynchronisationController],
  providers: [ConnectedSystemsService, CatalogueMirror],
  exports: [CatalogueMirror],
})
export class ConnectedSystemsModule {}
