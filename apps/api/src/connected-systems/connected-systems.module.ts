import { Module } from '@nestjs/common';
import { ConnectedSystemsController } from './connected-systems.controller';
import { ConnectedSystemsService } from './connected-systems.service';

@Module({ controllers: [ConnectedSystemsController], providers: [ConnectedSystemsService] })
export class ConnectedSystemsModule {}
