export * from './roles';
export * from './databases';
export * from './scan';
export * from './manifest';
export * from './waybill';
export * from './link';
