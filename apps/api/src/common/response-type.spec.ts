import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional, DECORATORS } from '@nestjs/swagger';
import { IsInt, IsOptional } from 'class-validator';
import { declaredProperties, ResponseFieldsOf } from './response-type';

class GadgetRequest {
  @ApiProperty({ type: 'string', maxLength: 20, example: 'G-1', description: 'Serial number' })
  serial: string;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, default: 1, description: 'How many (default: 1)' })
  @IsOptional() @IsInt()
  count?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'A note' })
  note?: string | null;
}

interface Gadget {
  serial: string;
  count: number;
  note: string | null;
}

class GadgetResponse extends ResponseFieldsOf<Gadget, 'serial' | 'count' | 'note'>(
  GadgetRequest,
  [
    { field: 'serial', nullable: false },
    { field: 'count', nullable: false },
    { field: 'note', nullable: true },
  ],
  { note: 'The note, as last saved' },
) {
  @ApiProperty({ format: 'uuid', description: 'Gadget id' })
  id: string;
}

/** The schema stored for a field, less the `isArray: false` every property gets. */
function schemaOf(field: string): Record<string, unknown> {
  const { isArray: _isArray, ...schema } = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, GadgetResponse.prototype, field);
  return schema;
}

describe('ResponseFieldsOf', () => {
  it("keeps each field's request schema, required, without the default or its mention", () => {
    expect(schemaOf('serial')).toEqual({ type: 'string', maxLength: 20, example: 'G-1', description: 'Serial number', required: true });
    expect(schemaOf('count')).toEqual({ type: 'integer', minimum: 1, description: 'How many', required: true });
  });

  it('makes a field nullable only where the stored value may be null, and takes a response description over the request one', () => {
    expect(schemaOf('note')).toEqual({ type: 'string', nullable: true, description: 'The note, as last saved', required: true });
  });

  it('refuses a field the request does not describe', () => {
    expect(() => ResponseFieldsOf<{ weight: number }, 'weight'>(GadgetRequest, [{ field: 'weight', nullable: false }])).toThrow(
      'GadgetRequest.weight has no OpenAPI schema to describe the response with',
    );
  });

  it("lists a response's declared properties, inherited ones first", () => {
    expect(declaredProperties(GadgetResponse)).toEqual(['serial', 'count', 'note', 'id']);
  });
});
