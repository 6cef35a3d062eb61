import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Organization')
export class OrganizationType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'ISO country for numbers written without a country code.' })
  defaultCountry!: string;
}
