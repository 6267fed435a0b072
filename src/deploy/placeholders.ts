/**
 * ACK defaults for public names are placeholders under the reserved example domains (RFC 2606):
 * synthesizing with them is fine, deploying them is not, because the ALB would answer for a
 * host nobody owns and oauth2-proxy would admit no one (or redirect to a domain that is not yours).
 */
import type { AckConfig } from "../config/schema";

const RESERVED = /(^|\.)example\.(com|org|net)$|(^|\.)(example|invalid|test|localhost)$/i;

function isPlaceholderHost(host: string): boolean {
  return RESERVED.test(host);
}

/** One problem per public name that is still a placeholder, naming the field to set. */
export function placeholderProblems(env: string, config: AckConfig): string[] {
  const problems: string[] = [];
  const faas = config.faas;
  if (faas.enabled) {
    const host = new URL(faas.oauth2Proxy.redirectUrl).hostname;
    if (isPlaceholderHost(host)) {
      problems.push(
        `${env}.faas.oauth2Proxy.redirectUrl: ${faas.oauth2Proxy.redirectUrl} is a placeholder; set https://<your domain>/oauth2/callback and register it with your OAuth provider`,
      );
    }
    const domains = faas.oauth2Proxy.emailDomains.filter(isPlaceholderHost);
    if (domains.length) {
      problems.push(
        `${env}.faas.oauth2Proxy.emailDomains: ${domains.join(", ")} is a placeholder; list the email domains allowed to sign in (e.g. your company's)`,
      );
    }
  }
  if (config.webApp.enabled && config.webApp.host && isPlaceholderHost(config.webApp.host)) {
    problems.push(`${env}.webApp.host: ${config.webApp.host} is a placeholder; set a DNS name you will point at the ALB`);
  }
  return problems;
}
