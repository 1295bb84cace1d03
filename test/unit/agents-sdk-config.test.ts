import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('Agents SDK settings (config.ts)', () => {
  it('serves /api/messages with the Agents SDK unless BOTFRAMEWORK_SDK=botbuilder', () => {
    expect(loadConfig({}).BOTFRAMEWORK_SDK).toBe('agents');
    expect(loadConfig({ BOTFRAMEWORK_SDK: 'botbuilder' }).BOTFRAMEWORK_SDK).toBe('botbuilder');
    expect(() => loadConfig({ BOTFRAMEWORK_SDK: 'bot-builder' })).toThrow(/BOTFRAMEWORK_SDK/);
  });

  it("reads the SDK's own names, flat or under its default connection, in any case, as the SDK does", () => {
    expect(loadConfig({ clientId: 'a', clientSecret: 'b', tenantId: 'c' })).toMatchObject({ clientId: 'a', clientSecret: 'b', tenantId: 'c' });
    expect(loadConfig({ connections__serviceConnection__settings__clientId: 'a', CONNECTIONS__SERVICECONNECTION__SETTINGS__CLIENTSECRET: 'b', Connections__ServiceConnection__Settings__TenantId: 'c' })).toMatchObject({
      clientId: 'a',
      clientSecret: 'b',
      tenantId: 'c',
    });
    expect(loadConfig({ CLIENTID: 'upper' }).clientId).toBe('upper');
    expect(() => loadConfig({ clientId: 'a', authorityEndpoint: 'not a url' })).toThrow(/authorityEndpoint/);
  });

  it('refuses half-done or mismatched setups before anything starts', () => {
    const refused = {
      'clientId: a secret or tenant is set without clientId': { clientSecret: 's' },
      'BOTFRAMEWORK_EMULATOR: without clientId it is refused in production': { BOTFRAMEWORK_EMULATOR: 'true', NODE_ENV: 'production' },
      'BOTFRAMEWORK_TOKEN_ISSUER: applies to BOTFRAMEWORK_SDK=botbuilder only': { clientId: 'a', BOTFRAMEWORK_TOKEN_ISSUER: 'https://issuer.example' },
      'MicrosoftAppType: only SingleTenant and MultiTenant': { MicrosoftAppId: 'a', MicrosoftAppType: 'UserAssignedMSI' },
    };
    for (const [message, env] of Object.entries(refused)) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(message);
      // The legacy adapter keeps its own settings.
      expect(() => loadConfig({ ...env, BOTFRAMEWORK_SDK: 'botbuilder' })).not.toThrow();
    }
  });
});
