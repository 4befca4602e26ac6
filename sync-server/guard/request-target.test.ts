import { describe, expect, it } from 'vitest';
import { targetOf } from './request-target';

describe('targetOf', () => {
  it.each([
    ['POST', '/scans/_bulk_docs', { db: 'scans', endpoint: '_bulk_docs', readsRows: false }],
    ['GET', '/scans/_all_docs?limit=5', { db: 'scans', endpoint: '_all_docs', readsRows: true }],
    ['GET', '/scans/_changes?feed=continuous', { endpoint: '_changes', readsRows: false }],
    ['GET', '/scans/_changes?feed=longpoll', { endpoint: '_changes', readsRows: true }],
    ['GET', '/scans/_changes', { endpoint: '_changes', readsRows: true }],
    ['PUT', '/templates/_local/abc', { endpoint: '_local', docId: 'abc' }],
    ['PUT', '/templates/_local%2Fabc', { endpoint: '_local', docId: 'abc' }],
    ['GET', '/waybills/_design/d/_view/v', { endpoint: '_view', readsRows: true }],
    ['PUT', '/scans/dev-1%3A01ABC', { endpoint: 'doc', docId: 'dev-1:01ABC' }],
    ['POST', '/scans', { db: 'scans', endpoint: 'doc' }],
    ['GET', '/scans/x/attachment', { endpoint: null }],
    ['PUT', '/_users/org.couchdb.user:a', { db: null, endpoint: 'doc' }],
    ['GET', '/_session', { db: null, endpoint: null }],
  ])('%s %s', (method, path, expected) => {
    expect(targetOf(method, path)).toMatchObject(expected);
  });
});
