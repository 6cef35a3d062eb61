import type { AppServices } from '../context';

// Scaffold: issue 3 (accounts, campaigns, contacts) fills in the demo organization.
export async function seedDemoData(_services: AppServices): Promise<{ email: string; password: string } | null> {
  return null;
}
