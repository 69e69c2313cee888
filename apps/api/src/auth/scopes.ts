/** What a tenant API key may do. `admin` lets a tenant manage itself (its keys, later its settings). */
export const SCOPES = ['read', 'write', 'backup', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];
export const DEFAULT_KEY_SCOPES: Scope[] = ['read', 'write', 'backup'];
