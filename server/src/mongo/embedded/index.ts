export { startEmbeddedMongo } from './server';
export type { EmbeddedMongo, EmbeddedMongoOptions, EmbeddedMongoStats } from './server';
