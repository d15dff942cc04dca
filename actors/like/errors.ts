/**
 * The stable rejection codes of the like actor. A code never changes meaning once shipped.
 *
 * @example
 * if (outcome.code === LikeErrorCode.LIKE_FORBIDDEN) signIn();
 */
export const LikeErrorCode = {
  LIKE_PAYLOAD_INVALID: 'LIKE_PAYLOAD_INVALID',
  LIKE_COMMAND_UNKNOWN: 'LIKE_COMMAND_UNKNOWN',
  LIKE_PLAYER_REQUIRED: 'LIKE_PLAYER_REQUIRED',
  LIKE_POST_INVALID: 'LIKE_POST_INVALID',
  LIKE_FORBIDDEN: 'LIKE_FORBIDDEN',
} as const;

export type LikeErrorCode = (typeof LikeErrorCode)[keyof typeof LikeErrorCode];
