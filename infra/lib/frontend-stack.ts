/**
 * The UI: the Next.js static export (`frontend/out`) in a private S3 bucket behind
 * CloudFront (origin access control). When the UI is not built, a placeholder page
 * from `infra/frontend-placeholder` is deployed instead, so synth never needs it.
 * `config.json` (API and WebSocket URLs) is written by the API stack, which depends
 * on this one for the origin it allows by CORS.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.js';

/** Props of {@link FrontendStack}. */
export interface FrontendStackProps extends StackProps {
  readonly config: StageConfig;
}

/** The static UI behind CloudFront. */
export class FrontendStack extends Stack {
  /** The private bucket of the static files. */
  public readonly bucket: s3.Bucket;
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
    this.bucket = new s3.Bucket(this, 'site', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const custom = config.uiDomain;
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
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
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
