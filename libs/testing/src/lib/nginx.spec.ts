import { relocateMainConfig, renderSiteTemplate } from './nginx';

describe('renderSiteTemplate (the image entrypoint with NGINX_ENVSUBST_FILTER=KM_)', () => {
  it('replaces ${KM_X} and $KM_X and leaves every other variable to nginx', () => {
    const out = renderSiteTemplate('listen ${KM_LISTEN_PORT};\nroot $KM_WEB_ROOT;\nproxy_set_header Host $host;\n', {
      KM_LISTEN_PORT: '127.0.0.1:8080',
      KM_WEB_ROOT: '/srv/html',
    });
    expect(out).toBe('listen 127.0.0.1:8080;\nroot /srv/html;\nproxy_set_header Host $host;\n');
  });

  it('leaves an unbalanced brace as it is', () => {
    expect(renderSiteTemplate('a ${KM_A b $KM_A}', { KM_A: 'x' })).toBe('a ${KM_A b $KM_A}');
  });

  it('refuses a KM_ variable without a value', () => {
    expect(() => renderSiteTemplate('server ${KM_API_UPSTREAM};', {})).toThrow('template variable KM_API_UPSTREAM has no value');
  });
});

describe('relocateMainConfig', () => {
  it('moves /tmp/ and /etc/nginx/conf.d/ into the prefix, nothing else', () => {
    const conf = 'pid /tmp/nginx.pid;\ninclude /etc/nginx/mime.types;\ninclude /etc/nginx/conf.d/*.conf;\nproxy_temp_path /tmp/proxy_temp;\n';
    expect(relocateMainConfig(conf, '/p')).toBe('pid /p/tmp/nginx.pid;\ninclude /etc/nginx/mime.types;\ninclude /p/conf.d/*.conf;\nproxy_temp_path /p/tmp/proxy_temp;\n');
  });

  it('relocates once when the prefix itself lies under /tmp', () => {
    expect(relocateMainConfig('pid /tmp/nginx.pid;', '/tmp/km-nginx-1')).toBe('pid /tmp/km-nginx-1/tmp/nginx.pid;');
  });
});
