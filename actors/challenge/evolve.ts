import type { ChallengeEvent } from './events.js';
import { get, put, without } from '../domain/records.js';
import type { ChallengeState } from './state.js';

/** Applies one event to the challenge's state. Pure; never rejects (events are facts). */
export function evolve(state: ChallengeState, event: ChallengeEvent): ChallengeState {
  switch (event.type) {
    case 'challenge.created':
      return { ...state, definition: { ...event.data } };
    case 'challenge.opened':
    case 'challenge.started':
      return state;
    case 'challenge.participant.joined': {
      const { userId, joinedAt } = event.data;
      return {
        ...state,
        participants: put(state.participants, userId, { userId, joinedAt, score: 0, reachedAt: joinedAt }),
        participantCount: state.participantCount + 1,
      };
    }
    case 'challenge.participant.left': {
      if (!get(state.participants, event.data.userId)) return state;
      return { ...state, participants: without(state.participants, event.data.userId), participantCount: state.participantCount - 1 };
    }
    case 'challenge.progress.recorded': {
      const { userId, sourceEventId, at, score } = event.data;
      const processed = put(state.processed, sourceEventId, true as const);
      const participant = get(state.participants, userId);
      if (!participant) return { ...state, processed };
      const reachedAt = Math.max(participant.reachedAt, at);
      return { ...state, processed, participants: put(state.participants, userId, { ...participant, score, reachedAt }) };
    }
    case 'challenge.finished':
      return { ...state, finalRanking: event.data.ranking, processed: {} };
    case 'challenge.cancelled':
      return { ...state, cancelledBy: event.data.by, processed: {} };
    case 'challenge.reward.granted':
      return { ...state, rewards: [...state.rewards, { ...event.data }] };
  }
}
