import { Command, Option } from 'commander';
import { WEBHOOK_EVENTS, type WebhookDeliveryResponseBody, type WebhookEvent, type WebhookResponseBody } from '@jim/contracts';
import type { Context } from '../context';
import { CliError, EXIT } from '../errors';
import { keyValues, table, time, yesNo } from '../output';
import { choice, integer } from '../parsers';
import { confirmOrRefuse } from '../prompt';

const collectValues = <T>(parse: (value: string) => T) => (value: string, previous: T[] = []) => [...previous, parse(value)];

function webhookTable(webhooks: readonly WebhookResponseBody[]): string {
  return table(webhooks, [
    { header: 'ID', value: (w) => w.id },
    { header: 'URL', value: (w) => w.url, maxWidth: 50 },
    { header: 'EVENTS', value: (w) => w.events.join(','), maxWidth: 60 },
    { header: 'SCHEDULES', value: (w) => (w.scheduleIds.length === 0 ? 'all' : w.scheduleIds.length) },
    { header: 'ENABLED', value: (w) => (w.isEnabled ? 'yes' : `no${w.disabledReason ? ` (${w.disabledReason})` : ''}`) },
  ]);
}

function deliveryTable(deliveries: readonly WebhookDeliveryResponseBody[]): string {
  return table(deliveries, [
    { header: 'ID', value: (d) => d.id },
    { header: 'EVENT', value: (d) => d.event },
    { header: 'STATUS', value: (d) => d.status },
    { header: 'ATTEMPTS', value: (d) => d.attempts, align: 'right' },
    { header: 'LAST CODE', value: (d) => d.lastStatusCode, align: 'right' },
    { header: 'NEXT ATTEMPT', value: (d) => time(d.nextAttemptAt) },
    { header: 'CREATED', value: (d) => time(d.created) },
    { header: 'LAST ERROR', value: (d) => d.lastError, maxWidth: 60 },
  ]);
}

export function registerWebhooks(program: Command, ctx: Context): void {
  const webhook = program.command('webhook').description('Signed webhooks for execution outcomes, skipped runs and schedule changes');

  webhook
    .command('add')
    .description('Create a webhook; prints its signing secret, shown this once')
    .requiredOption('--url <url>', 'where deliveries are POSTed (http or https)')
    .addOption(
      new Option('--event <event>', `an event to deliver (repeat for more): ${WEBHOOK_EVENTS.join(', ')}`)
        .argParser(collectValues(choice(WEBHOOK_EVENTS)))
        .makeOptionMandatory(),
    )
    .option('--schedule-id <id>', 'only events of this schedule (repeat for more; default: every schedule)', collectValues(String))
    .option('--description <text>', 'what the webhook is for')
    .option('--disabled', 'create it disabled')
    .option('--json', "print the API's JSON")
    .action(async (options: { url: string; event: WebhookEvent[]; scheduleId?: string[]; description?: string; disabled?: boolean; json?: boolean }) => {
      const created = await ctx.api().createWebhook({
        url: options.url,
        events: options.event,
        scheduleIds: options.scheduleId ?? [],
        description: options.description ?? null,
        isEnabled: !options.disabled,
      });
      if (options.json) return ctx.out.json(created);
      ctx.out.line(`Webhook ${created.id} created.`);
      ctx.out.line();
      ctx.out.line(keyValues([
        ['URL', created.url],
        ['Events', created.events.join(', ')],
        ['Schedules', created.scheduleIds.length === 0 ? 'all' : created.scheduleIds.join(', ')],
        ['Enabled', yesNo(created.isEnabled)],
        ['Secret', created.secret],
      ]));
      ctx.out.line();
      ctx.out.line('Store the secret now: it is not shown again. Receivers verify deliveries with it (docs/webhooks.md).');
    });

  webhook
    .command('list')
    .description('List webhooks')
    .option('--json', "print the API's JSON")
    .action(async (options: { json?: boolean }) => {
      const webhooks = await ctx.api().webhooks();
      if (options.json) return ctx.out.json(webhooks);
      if (webhooks.length === 0) return ctx.out.line('No webhooks.');
      ctx.out.line(webhookTable(webhooks));
    });

  webhook
    .command('remove')
    .description('Delete a webhook and its delivery log')
    .argument('<id>', 'webhook id')
    .option('--force', 'do not ask for confirmation (required when not on a terminal)')
    .action(async (id: string, options: { force?: boolean }) => {
      const api = ctx.api();
      if (!options.force) {
        const current = await api.webhook(id);
        await confirmOrRefuse(ctx.prompter, false, `delete webhook ${current.id} (${current.url})`);
      }
      await api.deleteWebhook(id);
      ctx.out.line(`Webhook ${id} deleted.`);
    });

  webhook
    .command('test')
    .description('Send a signed Ping and wait for its outcome; exit 0 only if it was delivered')
    .argument('<id>', 'webhook id')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the outcome').argParser(integer(1, 3600)).default(30))
    .option('--json', "print the delivery's JSON")
    .action(async (id: string, options: { timeout: number; json?: boolean }) => {
      const api = ctx.api();
      const { deliveryId } = await api.testWebhook(id);
      const deadline = Date.now() + options.timeout * 1000;
      for (;;) {
        const delivery = (await api.webhookDeliveries(id, 20)).find((d) => d.id === deliveryId);
        if (delivery && delivery.attempts > 0) {
          if (options.json) ctx.out.json(delivery);
          else if (delivery.status === 'Delivered') ctx.out.line(`Ping ${deliveryId} delivered (HTTP ${delivery.lastStatusCode}).`);
          if (delivery.status !== 'Delivered') throw new CliError(`Ping ${deliveryId} failed: ${delivery.lastError ?? delivery.status}`);
          return;
        }
        if (Date.now() > deadline) throw new CliError(`Ping ${deliveryId} not attempted within ${options.timeout} s (is a worker running?)`, EXIT.timeout);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    });

  webhook
    .command('deliveries')
    .description("List a webhook's deliveries, newest first")
    .argument('<id>', 'webhook id')
    .addOption(new Option('--limit <n>', 'at most n deliveries').argParser(integer(1, 100_000)).default(50))
    .option('--json', "print the API's JSON (an array of deliveries)")
    .action(async (id: string, options: { limit: number; json?: boolean }) => {
      const deliveries = await ctx.api().webhookDeliveries(id, options.limit);
      if (options.json) return ctx.out.json(deliveries);
      if (deliveries.length === 0) return ctx.out.line('No deliveries.');
      ctx.out.line(deliveryTable(deliveries));
    });
}
