import { CALL_STATUSES } from './call.model';
import { graphqlEnum } from '../schema/enum';

/**
 * The GraphQL CallStatus enum, on its own so that Contact (its lastOutcome) and Call can both use
 * it without importing each other.
 */
export const CallStatusEnum = graphqlEnum('CallStatus', CALL_STATUSES);
