/** `k6/http`: only the dev-token endpoint exists; its tokens are `token-<userId>`, as the shim server wants. */
function post(url: string, body: string, _params?: unknown) {
  if (!url.endsWith('/v1/auth/dev-token')) return response(404, { error: { code: 'ROUTE_NOT_FOUND' } });
  const { userId } = JSON.parse(body) as { userId: string };
  return response(200, { userId, token: `token-${userId}` });
}

function response(status: number, payload: Record<string, unknown>) {
  const body = JSON.stringify(payload);
  return {
    status,
    body,
    json: (selector?: string) => (selector === undefined ? payload : payload[selector]),
  };
}

export default { post };
