// The mock backend's fixed data, deterministic so that tests and screenshots are stable.

/** The account the mock Google consent page offers. */
export const mockAccount: MockAccount = {
  id: 'user-ada',
  email: 'ada@quiet.studio',
  name: 'Ada Lovelace',
  role: 'admin',
};

/** A second account, to sign in as someone else (the consent page offers both; Ada comes first). */
export const otherMockAccount: MockAccount = {
  id: 'user-grace',
  email: 'grace@quiet.studio',
  name: 'Grace Hopper',
  role: 'member',
};

/** The accounts of the mock Google's chooser. */
export const mockAccounts: readonly MockAccount[] = [mockAccount, otherMockAccount];

/** A Google account the mock backend issues tokens for. */
export interface MockAccount {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: string;
}

/** One row of `/api/admin/batches`. */
export interface MockBatch {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  items: number;
  created_at: string;
}

const statuses: MockBatch['status'][] = ['completed', 'completed', 'running', 'completed', 'failed', 'queued'];
const collections = ['Aurora rings', 'Tidal pendants', 'Ember earrings', 'Frost bangles', 'Orchard brooches'];

/**
 * The 47 batches an admin pages through (47: the last page is a partial one).
 *
 * @example
 * mockBatches().slice(0, 10); // page 1
 */
export function mockBatches(): MockBatch[] {
  const start = Date.UTC(2025, 0, 6, 9, 0, 0);
  return Array.from({ length: 47 }, (_, index) => {
    const n = index + 1;
    return {
      id: `batch-${String(n).padStart(3, '0')}`,
      name: `${collections[index % collections.length]} #${Math.ceil(n / collections.length)}`,
      status: statuses[index % statuses.length] ?? 'completed',
      items: 8 + ((n * 7) % 40),
      created_at: new Date(start + index * 6 * 3600_000).toISOString(),
    };
  });
}

/** The microservices `/api/microservices/health` reports on. */
export const mockServices = [
  { name: 'jewelry-generate', version: '2.4.1' },
  { name: 'temporal-worker', version: '1.22.0' },
  { name: 'image-validation', version: '0.9.3' },
  { name: 'credits', version: '1.3.0' },
] as const;

/** How long a mock generation workflow runs before it completes. */
export const workflowDurationMs = 2_500;
