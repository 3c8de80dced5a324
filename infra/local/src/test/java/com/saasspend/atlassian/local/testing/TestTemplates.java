package com.saasspend.atlassian.local.testing;

import com.saasspend.atlassian.local.SamTemplate;
import java.nio.file.Path;

/** The repository's template.yaml and small templates written for one test. */
public final class TestTemplates {
    private TestTemplates() {}

    public static SamTemplate real() {
        return SamTemplate.load(realPath());
    }

    public static Path realPath() {
        return SamTemplate.locate();
    }

    /** A template with an HttpApi behind a JWT authorizer and CORS, routed to {@link EchoHttpHandler}, and
     * GET /slow to {@link SlowHandler} (1 s timeout). */
    public static SamTemplate echoApi() {
        return SamTemplate.parse("""
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  FrontEndOrigin: {Type: String, Default: https://app.example.com}
                Globals:
                  Function:
                    Runtime: java17
                    Timeout: 10
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth:
                        DefaultAuthorizer: TenantJwt
                        Authorizers:
                          TenantJwt:
                            IdentitySource: $request.header.Authorization
                            JwtConfiguration: {issuer: x, audience: [y]}
                      CorsConfiguration:
                        AllowOrigins: [!Ref FrontEndOrigin]
                        AllowHeaders: [authorization, content-type]
                        AllowMethods: [GET, POST]
                        MaxAge: 600
                  Echo:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: com.saasspend.atlassian.local.testing.EchoHttpHandler::handleRequest
                      Events:
                        List: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /things, Method: GET}}
                        Create: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: '/things/{id}/created', Method: POST}}
                        One: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: '/things/{id}', Method: GET}}
                        Boom: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /boom, Method: GET}}
                        Open: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /open, Method: GET, Auth: {Authorizer: NONE}}}
                  Slow:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: com.saasspend.atlassian.local.testing.SlowHandler::handleRequest
                      Timeout: 1
                      Events:
                        Slow: {Type: HttpApi, Properties: {ApiId: !Ref Api, Path: /slow, Method: GET}}
                """);
    }
}
