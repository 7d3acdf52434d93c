import { GroupMapping, GroupMappingError, loadGroupMapping, normalizeGroup } from './group-mapping';

describe('group mapping', () => {
  const mapping = loadGroupMapping({
    AUTH_ROLE_MAP: 'k8s-admins=admin; cn=Billing Staff,ou=groups,dc=example,dc=org=viewer',
    AUTH_NAMESPACE_MAP: 'lab-a=lab-a,lab-a-dev;lab-b=lab-b;cluster-readers=*',
  });

  it('should give the highest role and the union of namespaces of every mapped group', () => {
    expect(mapping.resolve(['lab-a', 'lab-b', 'unmapped'])).toEqual({
      granted: true,
      grant: { role: 'viewer', namespaces: ['lab-a', 'lab-a-dev', 'lab-b'] },
      groups: ['lab-a', 'lab-b'],
    });
    expect(mapping.resolve(['lab-a', 'k8s-admins'])).toMatchObject({ grant: { role: 'admin', namespaces: ['lab-a', 'lab-a-dev'] } });
  });

  it('should let * stand for every namespace, and give an admin without namespace groups all of them', () => {
    expect(mapping.resolve(['lab-a', 'cluster-readers'])).toMatchObject({ grant: { role: 'viewer', namespaces: ['*'] } });
    expect(mapping.resolve(['k8s-admins'])).toMatchObject({ grant: { role: 'admin', namespaces: ['*'] } });
  });

  it('should give a group of the role map alone a viewer of no namespaces', () => {
    expect(mapping.resolve(['CN=Billing Staff, OU=Groups, DC=example, DC=org'])).toMatchObject({ granted: true, grant: { role: 'viewer', namespaces: [] } });
  });

  it('should grant nothing to someone in no mapped group', () => {
    expect(mapping.resolve([])).toEqual({ granted: false, reason: expect.stringContaining('no group') });
    expect(mapping.resolve(['students'])).toMatchObject({ granted: false });
  });

  it('should compare groups case-insensitively and DNs without their spaces', () => {
    expect(normalizeGroup(' CN=Lab A , OU=Groups ')).toBe('cn=lab a,ou=groups');
    expect(mapping.resolve(['K8S-Admins'])).toMatchObject({ granted: true, grant: { role: 'admin' } });
  });

  it('should read JSON, the OIDC_ aliases and a file', () => {
    const json = loadGroupMapping({ AUTH_ROLE_MAP: '{"a":"admin"}', AUTH_NAMESPACE_MAP: '{"b":["x","y"],"c":"z"}' });
    expect(json.spec).toEqual({ roles: { a: 'admin' }, namespaces: { b: ['x', 'y'], c: ['z'] } });
    expect(loadGroupMapping({ OIDC_ROLE_MAP: 'a=admin', OIDC_NAMESPACE_MAP: 'b=x' }).spec).toEqual({ roles: { a: 'admin' }, namespaces: { b: ['x'] } });
    expect(loadGroupMapping({ AUTH_ROLE_MAP: 'a=admin', OIDC_ROLE_MAP: 'a=admin' }).spec.roles).toEqual({ a: 'admin' });
    const file = loadGroupMapping({ AUTH_GROUP_MAP_FILE: '/etc/km/groups.json' }, () => '{"roles":{"a":"viewer"},"namespaces":{"a":["lab-a"]}}');
    expect(file.resolve(['a'])).toMatchObject({ grant: { role: 'viewer', namespaces: ['lab-a'] } });
    expect(new GroupMapping({ roles: {}, namespaces: {} }).empty).toBe(true);
  });

  it('should refuse bad mappings, naming the variable', () => {
    const bad = (env: Record<string, string>, message: string | RegExp) =>
      expect(() => loadGroupMapping(env, () => '{"rolez":{}}')).toThrow(message instanceof RegExp ? message : new GroupMappingError(message));
    bad({ AUTH_ROLE_MAP: 'lab=owner' }, 'AUTH_ROLE_MAP: group "lab" maps to "owner", not one of admin, viewer');
    bad({ AUTH_ROLE_MAP: 'lab' }, 'AUTH_ROLE_MAP: "lab" is not group=role');
    bad({ AUTH_NAMESPACE_MAP: 'lab=Not_A_Namespace' }, /AUTH_NAMESPACE_MAP: group "lab": "Not_A_Namespace" is not a namespace name/);
    bad({ AUTH_NAMESPACE_MAP: '{"lab": 3}' }, 'AUTH_NAMESPACE_MAP: group "lab" must map to a list of namespaces');
    bad({ AUTH_ROLE_MAP: '{nope' }, 'AUTH_ROLE_MAP is not valid JSON');
    bad({ AUTH_ROLE_MAP: 'a=admin', OIDC_ROLE_MAP: 'a=viewer' }, /AUTH_ROLE_MAP and OIDC_ROLE_MAP are the same setting/);
    bad({ AUTH_GROUP_MAP_FILE: '/x.json', AUTH_ROLE_MAP: 'a=admin' }, /cannot be combined with AUTH_ROLE_MAP/);
    bad({ AUTH_GROUP_MAP_FILE: '/x.json' }, 'AUTH_GROUP_MAP_FILE: unknown key "rolez" (expected "roles" and "namespaces")');
  });
});
