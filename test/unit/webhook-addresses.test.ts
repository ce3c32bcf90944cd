import assert from 'node:assert/strict'
import { test } from 'node:test'
import { refusalOf } from '../../src/modules/webhooks/http.js'

test('deliveries are refused to loopback, private, link-local, CGNAT, metadata and reserved addresses', () => {
  const refused: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['::1', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['fd12:3456::1', /private/],
    ['169.254.169.254', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['100.100.100.200', /metadata/],
    ['169.254.1.1', /link-local/],
    ['fe80::1', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /reserved/],
    ['::', /reserved/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:10.0.0.1', /private/],
    ['64:ff9b::a00:1', /reserved/],
    ['224.0.0.1', /reserved/],
  ]
  for (const [address, reason] of refused) assert.match(refusalOf(address) ?? '', reason, address)
})

test('public addresses are allowed', () => {
  for (const address of [
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
  ]) {
    assert.equal(refusalOf(address), undefined, address)
  }
})
