export * from './effective-permissions';
