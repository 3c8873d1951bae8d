/**
 * The operator's runtime switches (trading mode, kill switch) as SSM parameters that CloudFormation does NOT
 * own. A deploy never rewrites them: a custom resource puts each parameter once, with its safe default, only
 * when it is absent (PutParameter with Overwrite: false; ParameterAlreadyExists is ignored). After that the
 * value is the operator's (`aws ssm put-parameter --overwrite`); updating or deleting the stack leaves it as it
 * is (a re-created stack finds and keeps it). The template holds no AWS::SSM::Parameter.
 *
 * The provider is CDK's AwsCustomResource singleton function; its role may PutParameter on exactly these
 * parameter ARNs. Readers are granted GetParameter on the exact ARN (grantRead).
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface OperatorParameterSpec {
  /** Construct id, e.g. TradingMode. */
  id: string;
  /** Full name, starting with "/". */
  name: string;
  /** Written only if the parameter does not exist yet. */
  initialValue: string;
  allowedPattern: string;
  description: string;
}

/** One parameter the operator owns: its name, its ARN and a read grant. */
export interface OperatorParameter {
  readonly parameterName: string;
  readonly parameterArn: string;
  readonly initialValue: string;
  grantRead(grantee: iam.IGrantable): void;
}

export class OperatorParameters extends Construct {
  readonly parameters: Record<string, OperatorParameter> = {};

  constructor(scope: Construct, id: string, specs: readonly OperatorParameterSpec[], logRetentionDays: logs.RetentionDays) {
    super(scope, id);
    const stack = Stack.of(this);
    const arnOf = (name: string): string =>
      stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, ''), arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const arns = specs.map((s) => arnOf(s.name));
    const logGroup = new logs.LogGroup(this, 'ProviderLogs', { retention: logRetentionDays });
    for (const [i, spec] of specs.entries()) {
      const arn = arns[i]!;
      new AwsCustomResource(this, spec.id, {
        resourceType: 'Custom::OperatorParameter',
        installLatestAwsSdk: false,
        logGroup,
        onCreate: {
          service: 'SSM',
          action: 'putParameter',
          parameters: {
            Name: spec.name,
            Value: spec.initialValue,
            Type: 'String',
            Overwrite: false,
            AllowedPattern: spec.allowedPattern,
            Description: `${spec.description} Created once by the stack with a safe default; owned by the operator afterwards (deploys never change it).`,
          },
          // Present already (a previous stack, or the operator): keep the operator's value.
          ignoreErrorCodesMatching: 'ParameterAlreadyExists',
          physicalResourceId: PhysicalResourceId.of(spec.name),
        },
        // No onUpdate, no onDelete: the value belongs to the operator from the first deploy on.
        policy: AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({ actions: ['ssm:PutParameter'], resources: [arn] })]),
      });
      this.parameters[spec.id] = {
        parameterName: spec.name,
        parameterArn: arn,
        initialValue: spec.initialValue,
        grantRead: (grantee) => {
          iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameter', 'ssm:GetParameters'], resourceArns: [arn] });
        },
      };
    }
    // The singleton provider function AwsCustomResource creates in the stack.
    const provider = stack.node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (provider) {
      Validations.of(provider).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'CDK\'s AwsCustomResource provider writes its own logs with the AWS-managed basic execution policy; its only other right is PutParameter on the two operator parameters.',
        },
        { id: 'AwsSolutions-L1', reason: 'The runtime of CDK\'s AwsCustomResource provider is chosen by aws-cdk-lib; it runs only at deploy time, once per parameter.' },
      );
    }
  }
}
