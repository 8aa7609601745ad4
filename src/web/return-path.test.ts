import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.ts';

const portal = { under: '/portal', refused: ['/portal/api'] };

describe('return paths after sign-in', () => {
  it('accepts a path on the portal, normalised', () => {
    expect(safeReturnPath('/portal/profile', portal)).toBe('/portal/profile');
    expect(safeReturnPath('/portal/redeem?code=ABC&lang=da', portal)).toBe('/portal/redeem?code=ABC&lang=da');
    expect(safeReturnPath('/portal/pages/a/../b', portal)).toBe('/portal/pages/b');
    expect(safeReturnPath('/portal', portal)).toBe('/portal');
  });

  it('refuses every way out of the portal, judged after normalisation', () => {
    for (const hostile of [
      '/portal/../..//evil.example',
      '/portal/%2e%2e/%2e%2e//evil.example',
      '/portal/%2E%2E/%2E%2E//evil.example/x',
      '/portal/.%2e/.%2e//evil.example',
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '/portal\\..\\..\\evil.example',
      'https://evil.example/portal',
      'javascript:alert(1)',
      '/portal/../admin',
      '/portalx',
      '/portal/api/me',
      '/portal/../portal/api/me',
      '/portal/\t/x',
      ' /portal',
      '',
      undefined,
      null,
      `/portal/${'a'.repeat(1001)}`,
    ])
      expect(safeReturnPath(hostile, portal), String(hostile)).toBeNull();
  });
});
