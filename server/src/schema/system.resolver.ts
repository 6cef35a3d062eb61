import { Query, Resolver } from 'type-graphql';

/** Process-level facts; also keeps the schema valid before any feature resolver exists. */
@Resolver()
export class SystemResolver {
  @Query(() => String, { description: 'The server version.' })
  version(): string {
    return '0.1.0';
  }
}
