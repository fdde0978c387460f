import { Column, ColumnOptions } from 'typeorm';

export function Timestamp(name: string, options: Omit<ColumnOptions, 'name' | 'type'> = {}): PropertyDecorator {
  return Column({ name, type: 'timestamptz', ...options });
}
