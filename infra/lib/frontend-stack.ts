/**
 * The UI: the Next.js static export (`frontend/out`) in a private S3 bucket behind
 * CloudFront (origin access control). When the UI is not built, a placeholder page
 * from `infra/frontend-placeholder` is deployed instead, so synth never needs it.
 * `config.json` (API and WebSocket URLs) is written by the API stack, which depends
 * on this one for the origin it allows by CORS.
 *
 * Every response carries a Content-Security-Policy ({@link contentSecurityPolicy}): the
 * UI keeps an API key in local storage, so a script that got in must not be able to
 * send it anywhere but the exchange's own API and WebSocket origins.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.js';

/**
 * The UI's Content-Security-Policy. `connect-src`: the page's own origin (`config.json`)
 * and the API and WebSocket origins: the custom domains when configured, else API
 * Gateway's default endpoints in the stack's region (their ids are the API stack's,
 * which depends on this one). Next.js's static export inlines its bootstrap scripts
 * and styles, hence `'unsafe-inline'` for those two only.
 */
export function contentSecurityPolicy(config: StageConfig, region: string, urlSuffix: string): string {
  const apiGateway = `*.execute-api.${region}.${urlSuffix}`;
  const api = config.apiDomain ? `https://${config.apiDomain.domainName}` : `https://${apiGateway}`;
  const ws = config.wsDomain ? `wss://${config.wsDomain.domainName}` : `wss://${apiGateway}`;
  return [
    "default-src 'self'",
    `connect-src 'self' ${api} ${ws}`,
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Props of {@link FrontendStack}. */
export interface FrontendStackProps extends StackProps {
  readonly config: StageConfig;
}

/** The static UI behind CloudFront. */
export class FrontendStack extends Stack {
  /** The private bucket of the static files. */
  public readonly bucket: s3.Bucket;
  /** Where the site bucket and CloudFront write their access logs. */
  public readonly accessLogs: s3.Bucket;
  /** The CloudFront distribution in front of it. */
  public readonly distribution: cloudfront.Distribution;
  /** `https://…cloudfront.net` (or the custom domain): the origin the APIs allow. */
  public readonly origin: string;
  /** The folder deployed: `frontend/out`, or the placeholder. */
  public readonly assetDir: string;

  constructor(scope: Construct, id: string, props: FrontendStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.assetDir = config.frontendAssetDir;
    // The bucket's server access logs and CloudFront's standard logs. CloudFront writes
    // them with an ACL, so this bucket (and only this one) lets the writer own objects.
    this.accessLogs = new s3.Bucket(this, 'access-logs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: config.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !config.isProduction,
    });
    this.bucket = new s3.Bucket(this, 'site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const custom = config.uiDomain;
    // CloudFront's managed SECURITY_HEADERS policy, plus the CSP.
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'security-headers', {
      comment: `${config.prefix} UI: security headers and CSP`,
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(config, this.region, this.urlSuffix),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'cdn', {
      comment: `${config.prefix} UI`,
      ...(custom
        ? {
            domainNames: [custom.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'certificate', custom.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultRootObject: 'index.html',
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: 'cdn/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      // A static export has one HTML file per page; unknown paths get its 404 page.
      errorResponses: [
        { httpStatus: 403, responseHttpStatus: 404, responsePagePath: '/404.html', ttl: Duration.minutes(1) },
      ],
    });
    this.origin = `https://${custom ? custom.domainName : this.distribution.distributionDomainName}`;

    new s3deploy.BucketDeployment(this, 'site-files', {
      sources: [s3deploy.Source.asset(this.assetDir)],
      destinationBucket: this.bucket,
      // config.json belongs to the API stack's deployment: never pruned from here.
      exclude: ['config.json'],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
    });

    new CfnOutput(this, 'UiUrl', { value: this.origin, description: 'The trading UI' });
    if (custom) {
      new CfnOutput(this, 'UiDomainTarget', {
        value: this.distribution.distributionDomainName,
        description: `CNAME/alias target for ${custom.domainName}`,
      });
    }
  }
}
