export { refusedAddressClass, resolveAllowedAddress, RefusedAddressError } from './address-policy';
export type { RefusedAddressClass, ResolvedAddress } from './address-policy';
export { DELIVERY_TIMEOUT_MS, generateWebhookSecret, MAX_RESPONSE_BYTES, sendWebhook } from './webhook-sender';
export type { SendOptions, SendResult, WebhookMessage } from './webhook-sender';
