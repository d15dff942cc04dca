import { setup } from 'xstate';
import type { PostEvent } from './events.js';
import { initialPostState, type PostState } from './state.js';

/** A post's lifecycle: unpublished → published → deleted. Flat and without timers. */
export const postMachine = setup({
  types: { context: {} as PostState, events: {} as PostEvent },
}).createMachine({
  id: 'post',
  context: initialPostState,
  initial: 'unpublished',
  states: {
    unpublished: { on: { 'social.post.published': 'published' } },
    published: { on: { 'social.post.deleted': 'deleted' } },
    deleted: {},
  },
});

export type PostLifecycleValue = 'unpublished' | 'published' | 'deleted';
