import { Field, ObjectType } from 'type-graphql';

@ObjectType('PageInfo')
export class PageInfoType {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page. Opaque.' })
  endCursor!: string | null;
}
