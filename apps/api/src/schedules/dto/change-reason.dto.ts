import { ValidationError } from '@jim/common';
import { ChangeReasonQuery } from './schedule-query.dto';

/**
 * changeReason in a JSON body: DELETE, enable and disable also take it there, so a long reason need not fit in the
 * URL. Given in both the query and the body, it is refused rather than one silently winning.
 */
export class ChangeReasonBody extends ChangeReasonQuery {}

export const CHANGE_REASON_TWICE = 'is given in both the query and the body; give it in one of them';

export function changeReasonOf(query: ChangeReasonQuery, body: ChangeReasonBody | undefined): string | null {
  const inQuery = query.changeReason;
  const inBody = body?.changeReason;
  if (inQuery !== undefined && inBody !== undefined) throw new ValidationError({ changeReason: [CHANGE_REASON_TWICE] });
  return inQuery ?? inBody ?? null;
}
