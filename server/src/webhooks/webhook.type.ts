import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { PageInfoType } from '../schema/page-info.type';

@ObjectType('WebhookEndpoint', {
  description: "An endpoint of the customer's that receives signed events (Standard Webhooks).",
})
export class WebhookEndpointType {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [String], { description: 'call.ended, campaign.completed, campaign.status_changed, contact.opted_out' })
  events!: string[];

  @Field()
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Why it was disabled (failing for 3 days), when it was.' })
  disabledReason!: string | null;

  @Field()
  createdAt!: Date;
}

@ObjectType('CreatedWebhookEndpoint')
export class CreatedWebhookEndpointType {
  @Field(() => WebhookEndpointType)
  endpoint!: WebhookEndpointType;

  @Field({ description: 'whsec_… ; shown once.' })
  secret!: string;
}

@InputType('WebhookEndpointInput')
export class WebhookEndpointInput {
  @Field()
  url!: string;

  @Field(() => [String])
  events!: string[];
}

@ObjectType('WebhookDelivery')
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field()
  event!: string;

  @Field(() => Int)
  attempt!: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when it did not answer.' })
  responseStatus!: number | null;

  @Field()
  delivered!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the receiver did not answer (timeout, refused…).' })
  error!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;
}

@ObjectType('WebhookDeliveryConnection')
export class WebhookDeliveryConnectionType {
  @Field(() => [WebhookDeliveryType])
  nodes!: WebhookDeliveryType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}
