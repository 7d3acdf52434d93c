import { DEFAULT_APP_CONFIG, loadAppConfig, normalizeAppConfig } from './app-config';

function response(status: number, body: unknown, contentType = 'application/json'): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null) },
    json: async () => body,
  } as unknown as Response;
}

describe('normalizeAppConfig', () => {
  it('should default to the same origin and strip trailing slashes', () => {
    expect(normalizeAppConfig({})).toEqual({ apiBaseUrl: '' });
    expect(normalizeAppConfig({ apiBaseUrl: 'https://api.example.org/' })).toEqual({
      apiBaseUrl: 'https://api.example.org',
    });
    expect(normalizeAppConfig({ apiBaseUrl: '/monitoring/' })).toEqual({ apiBaseUrl: '/monitoring' });
  });

  it('should reject values that are not URLs', () => {
    expect(() => normalizeAppConfig({ apiBaseUrl: 42 })).toThrow(/must be a string/);
    expect(() => normalizeAppConfig({ apiBaseUrl: 'ftp://x' })).toThrow(/absolute http/);
    expect(() => normalizeAppConfig([])).toThrow(/JSON object/);
  });
});

describe('loadAppConfig', () => {
  it('should read config.json next to index.html', async () => {
    const fetchFn = jest.fn().mockResolvedValue(response(200, { apiBaseUrl: 'https://api.example.org' }));
    await expect(loadAppConfig(fetchFn, 'https://dash.example.org/web/')).resolves.toEqual({
      apiBaseUrl: 'https://api.example.org',
    });
    expect(fetchFn.mock.calls[0][0]).toBe('https://dash.example.org/web/config.json');
  });

  it('should fall back to the defaults when the file is missing or the server answers with HTML', async () => {
    await expect(loadAppConfig(jest.fn().mockResolvedValue(response(404, null)), 'http://h/web/')).resolves.toEqual(DEFAULT_APP_CONFIG);
    await expect(loadAppConfig(jest.fn().mockResolvedValue(response(200, null, 'text/html')), 'http://h/web/')).resolves.toEqual(DEFAULT_APP_CONFIG);
  });

  it('should stop with a message on a server error', async () => {
    await expect(loadAppConfig(jest.fn().mockResolvedValue(response(500, null)), 'http://h/web/')).rejects.toThrow(/HTTP 500/);
  });
});
