/**
 * A custom domain of an API Gateway API (HTTP or WebSocket) with its regional ACM
 * certificate, from the `apiDomain`/`wsDomain` context keys.
 */
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import type { CustomDomain } from '../config.js';

/** The domain name resource `id` (and `<id>-certificate`) in `scope`. */
export function customDomain(scope: Construct, id: string, custom: CustomDomain): apigwv2.DomainName {
  return new apigwv2.DomainName(scope, id, {
    domainName: custom.domainName,
    certificate: acm.Certificate.fromCertificateArn(scope, `${id}-certificate`, custom.certificateArn),
  });
}
