import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { WebhookSubscriptions } from '@ledger/projections';
import { CurrentPrincipal } from '../access/access.decorators';
import type { AuthenticatedPrincipal } from '../access/principal-directory';
import { Page, PageQuery } from '../http/pagination';
import { Problem } from '../http/problem';
import {
  CreateSubscriptionDto,
  DeliveryDto,
  DeliveryPageDto,
  SubscriptionDto,
  SubscriptionPageDto,
} from './subscription.dto';

const DELIVERY_DESCRIPTION =
  'Each event of a subscribed type recorded after the subscription was created, and each new checkpoint ' +
  'for LogCheckpointPublished, is POSTed as a structured CloudEvent (application/cloudevents+json; id = the ' +
  'ledger event id, source = the log origin, subject = the stream, data = the entry as recorded) with ' +
  'X-Ledger-Signature: sha256=<hex HMAC-SHA256 of the exact body under the secret>. Anything but a 2xx ' +
  'within 10 s is retried with exponential backoff, 8 attempts in all; deliveries are at least once, so ' +
  'deduplicate on the CloudEvent id.';

/** Webhook subscriptions: platform admins manage every subscription (the contract names no other role). */
@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('v1/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptions) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Subscribe a URL to event types (platform admins)',
    description: DELIVERY_DESCRIPTION,
  })
  @ApiCreatedResponse({ type: SubscriptionDto })
  create(
    @Body() body: CreateSubscriptionDto,
    @CurrentPrincipal() caller: AuthenticatedPrincipal,
  ): Promise<SubscriptionDto> {
    return this.subscriptions.create({
      url: body.url,
      types: body.types,
      secret: body.secret,
      createdBy: caller.id,
    });
  }

  @Get()
  @ApiOperation({ summary: 'List active subscriptions (never their secrets)' })
  @ApiOkResponse({ type: SubscriptionPageDto })
  list(@Query() query: PageQuery): Promise<Page<SubscriptionDto>> {
    return this.subscriptions.list({ limit: query.limit ?? 100, cursor: query.cursor });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a subscription: nothing more is delivered to it, pending retries included',
  })
  @ApiNoContentResponse()
  async remove(@Param('id') id: string, @CurrentPrincipal() caller: AuthenticatedPrincipal): Promise<void> {
    if (!(await this.subscriptions.delete(id, caller.id))) {
      throw Problem.notFound('SubscriptionNotFound', `no active subscription ${id}`);
    }
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: "A subscription's deliveries in the order they were enqueued (deleted subscriptions too)",
  })
  @ApiOkResponse({ type: DeliveryPageDto })
  async deliveries(@Param('id') id: string, @Query() query: PageQuery): Promise<Page<DeliveryDto>> {
    const page = await this.subscriptions.deliveries(id, { limit: query.limit ?? 100, cursor: query.cursor });
    if (!page) throw Problem.notFound('SubscriptionNotFound', `no subscription ${id}`);
    return page;
  }
}
