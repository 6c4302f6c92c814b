import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import { GITHUB_OIDC_HOST } from './access-role.ts';

/**
 * The account's trust in GitHub Actions' OIDC tokens, so workflows get
 * short-lived role sessions and no AWS key is ever stored in GitHub. Roles
 * trust it through {@link githubActionsTrust}, each for exact subjects only.
 */
export class GithubOidcProvider extends Construct {
  readonly providerArn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // IAM verifies GitHub's certificate through its own trusted CAs; no thumbprint is pinned.
    const provider = new IamOpenidConnectProvider(this, 'Provider', { url: `https://${GITHUB_OIDC_HOST}`, clientIdList: ['sts.amazonaws.com'] });
    this.providerArn = provider.arn;
  }
}
