import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import type { Viewer } from '../auth/viewer.js';

/** The viewer of a resolver behind the `authenticated` scope (root types require it). */
export function viewerOf(context: Context): Viewer {
  if (!context.viewer) {
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return context.viewer;
}
