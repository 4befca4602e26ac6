// The roles of ARCHITECTURE.md: one list, used by the server's guard, design docs and the app.
export const ROLES = ['admin', 'supervisor', 'scanner', 'bridge'] as const;
export type Role = (typeof ROLES)[number];

/** CouchDB's own server-admin role; the bootstrap admin holds it. */
export const SERVER_ADMIN_ROLE = '_admin';

export interface UserContext {
  name: string | null;
  roles: readonly string[];
}

export function hasRole(
  user: UserContext,
  ...roles: Array<Role | typeof SERVER_ADMIN_ROLE>
): boolean {
  return roles.some((role) => user.roles.includes(role));
}

/** Server admins and users with the `admin` role may do everything an admin may. */
export function isAdmin(user: UserContext): boolean {
  return hasRole(user, SERVER_ADMIN_ROLE, 'admin');
}
